{{/* Chart name, overridable. */}}
{{- define "pgindex-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the objects: the release name when it already contains the chart name. */}}
{{- define "pgindex-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pgindex-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "pgindex-operator.labels" -}}
helm.sh/chart: {{ include "pgindex-operator.chart" . }}
{{ include "pgindex-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: pgindex-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the operator pods (immutable in a Deployment: never add to these). */}}
{{- define "pgindex-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pgindex-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pgindex-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pgindex-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Leader election is on with more than one replica, or when asked for. */}}
{{- define "pgindex-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{- define "pgindex-operator.leaseName" -}}
{{- default (include "pgindex-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "pgindex-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The rules the operator needs, and nothing more; the same for the ClusterRole (every namespace) and for the Role in
each watched namespace. Secrets: get one by one (the one named in spec.connection.secretName), never list or watch;
list only with indexSet.secretSelector.enabled (a PostgresIndexSet's spec.databases.secretSelector).
*/}}
{{- define "pgindex-operator.rules" -}}
# the resources it reconciles
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexes"]
  verbs: ["get", "list", "watch", "patch", "update", "create", "delete"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexes/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexes/finalizers"]
  verbs: ["update"]
# connection Secrets named in spec.connection.secretName (read one by one, never listed or watched)
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- if .Values.indexSet.secretSelector.enabled }}
# PostgresIndexSet spec.databases.secretSelector: Secrets listed by label (never watched)
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["list"]
{{- end }}
# PostgresIndexSets: each stamps (creates, updates, deletes) the PostgresIndexes it owns
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexsets"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexsets/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresindexsets/finalizers"]
  verbs: ["update"]
# PostgresConstraints: foreign keys, CHECKs and NOT NULLs added online; a foreign key may wait for the
# PostgresIndex it names (read above)
- apiGroups: ["pgindex.dev"]
  resources: ["postgresconstraints"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresconstraints/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["pgindex.dev"]
  resources: ["postgresconstraints/finalizers"]
  verbs: ["update"]
# Events about the resources
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
