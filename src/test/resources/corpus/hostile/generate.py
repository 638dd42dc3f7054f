# Regenerates the hostile corpus: rm -f src/test/resources/corpus/hostile/*.yaml && python3 src/test/resources/corpus/hostile/generate.py
# Hand edits to the YAML files are fine too; HostileCorpusTest reads only the *.yaml files.
import json, os
out = os.path.dirname(os.path.abspath(__file__))  
os.makedirs(out, exist_ok=True)
n = [0]
def q(s):  # YAML double-quoted scalar via JSON escaping (valid YAML)
    return json.dumps(s, ensure_ascii=False)
def write(slug, why, body, secret=None, raw=None, build_attempt=None):
    n[0] += 1
    name = "%03d-%s.yaml" % (n[0], slug)
    lines = ["# case: " + why]
    if build_attempt:
        lines.append("# real-build-attempt: " + build_attempt)
    if raw is not None:
        text = "\n".join(lines) + "\n" + raw
    else:
        text = "\n".join(lines) + "\n" + "apiVersion: pgindex.dev/v1alpha1\nkind: PostgresIndex\nmetadata:\n  name: %s\nspec:\n" % ("h%03d" % n[0]) + body
        if secret is not None:
            text += "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n" % secret[0] + secret[1]
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")

def spec(table="t", name=None, cols="[{name: a}]", extra="", secret="db-app", schema=None):
    if name is None:
        name = "h%03d_idx" % (n[0] + 1)
    s = "  connection:\n    secretName: %s\n" % secret
    if schema is not None:
        s += "  schema: %s\n" % schema
    s += "  table: %s\n  name: %s\n  columns: %s\n" % (table, name, cols) + extra
    return s

ident_payloads = [
    ("dq-drop", 'x"; DROP TABLE victim; --'),
    ("sq-drop", "x'; DROP TABLE victim; --"),
    ("backslash-quote", 'x\\"; TRUNCATE victim; --'),
    ("semicolon", "victim; DELETE FROM victim"),
    ("over-63-bytes", "a" * 64),
    ("multibyte-over-63", "\u00e9" * 32),
    ("cjk-over-63", "\u65e5\u672c" * 11),
    ("empty", ""),
    ("nul", "vic\u0000tim"),
    ("homoglyph", "v\u0456ctim"),
    ("rtl-override", "t\u202e--"),
    ("newline", "t\nDROP TABLE victim"),
    ("dollar-quote", "$$DROP TABLE victim$$"),
]
fields = ["schema", "table", "name", "column", "include", "opclass", "tablespace"]
for slug, p in ident_payloads:
    for fld in fields:
        if fld == "schema":
            body = spec(schema=q(p))
        elif fld == "table":
            body = spec(table=q(p))
        elif fld == "name":
            body = spec(name=q(p))
        elif fld == "column":
            body = spec(cols="[{name: %s}]" % q(p))
        elif fld == "include":
            body = spec(extra="  include: [%s]\n" % q(p))
        elif fld == "opclass":
            body = spec(cols="[{name: a, opclass: %s}]" % q(p))
        elif fld == "tablespace":
            body = spec(extra="  tablespace: %s\n" % q(p))
        write("%s-%s" % (fld, slug), "%s = %r" % (fld, p), body)
for slug, p in [("dq-drop", 'C"; DROP TABLE victim; --'), ("sq-drop", "C'; DROP TABLE victim; --"),
                ("over-63", "c" * 64), ("multibyte", "\u00e9\u00e9"), ("unknown", "xx_NOPE.utf8")]:
    write("collation-" + slug, "collation = %r" % p, spec(cols="[{name: email, collation: %s}]" % q(p)))

frag_payloads = [
    ("drop", "a > 0; DROP TABLE victim; --"),
    ("paren-escape", "a > 0); DROP TABLE victim; SELECT (1"),
    ("or-true", "true) OR (1=1"),
    ("line-comment", "a > 0 -- comment"),
    ("block-comment", "a > 0 /* x */"),
    ("dollar", "$$; DROP TABLE victim; $$"),
    ("e-string", "E'\\'; DROP TABLE victim; --'"),
    ("subquery", "(SELECT count(*) FROM victim) > 0"),
    ("with-clause", "a > 0)) WITH ((fillfactor=10"),
    ("unterminated", "'unterminated"),
    ("unterminated-ident", "\"victim"),
    ("in-subquery", "a IN (SELECT id FROM victim)"),
    ("volatile", "random() > 0.5"),
    ("stable-now", "now() > '2020-01-01'"),
    ("sleep", "pg_sleep(5) IS NOT NULL"),
    ("read-file", "pg_read_file('/etc/passwd') IS NOT NULL"),
    ("terminate", "pg_terminate_backend(a)"),
    ("set-config", "set_config('search_path', 'evil', false) IS NULL"),
    ("union", "a > 0 UNION SELECT 1"),
    ("unicode-escape", "U&\"\\0064rop\" IS NULL"),
    ("nul", "a > 0\u0000; DROP TABLE victim"),
    ("control-char", "a > 0\u0007"),
    ("blank", "   "),
    ("too-long", "a > 0 AND " + " AND ".join(["a <> %d" % i for i in range(600)])),
    ("unknown-column", "nosuch > 0"),
    ("aggregate", "count(*) > 0"),
    ("window", "row_number() OVER () > 0"),
    ("dblink", "dblink_exec('dbname=postgres', 'DROP TABLE victim') IS NULL"),
    ("txid", "txid_current() > 0"),
    ("nextval", "nextval('victim_seq') > 0"),
]
for slug, p in frag_payloads:
    if slug != "blank":  # a blank where is, by design, no predicate (IndexDefinition normalises it to null)
        write("where-" + slug, "where = %r" % p, spec(extra="  where: %s\n" % q(p)))
    write("expression-" + slug, "expression = %r" % p, spec(cols="[{expression: %s}]" % q(p)))

# storage parameters
for slug, k, v in [("key-injection", "fillfactor = 10); DROP TABLE victim; --", "1"),
                   ("value-injection", "fillfactor", "10'); DROP TABLE victim; --"),
                   ("unknown", "nosuch", "1"), ("out-of-range", "fillfactor", "5"),
                   ("not-a-number", "fillfactor", "abc"), ("wrong-method", "fastupdate", "on"),
                   ("empty-value", "fillfactor", ""), ("uppercase-key", "FILLFACTOR", "70"),
                   ("unicode-value", "fillfactor", "\u0661\u0660")]:
    write("storage-" + slug, "storageParameters {%r: %r}" % (k, v), spec(extra="  storageParameters:\n    %s: %s\n" % (q(k), q(v))))

# columns
write("columns-empty", "columns: []", spec(cols="[]"))
write("columns-missing", "no columns field", "  connection:\n    secretName: db-app\n  table: t\n  name: t_idx\n")
write("columns-null-entry", "columns: [~]", spec(cols="[~]"))
write("columns-empty-entry", "columns: [{}]", spec(cols="[{}]"))
write("columns-name-and-expression", "name and expression", spec(cols="[{name: a, expression: \"a + 1\"}]"))
write("columns-unknown", "unknown column", spec(cols="[{name: nosuch}]"))
write("columns-reserved-word", "column 'user' (reserved, not a column of t)", spec(cols="[{name: user}]"))
write("columns-case", "column 'A' (case-sensitive, t has a)", spec(cols="[{name: A}]"))
write("columns-too-many", "33 columns", spec(cols="[" + ", ".join(["{name: a}"] * 33) + "]"))
write("columns-duplicate-unknown", "duplicate unknown column", spec(cols="[{name: nosuch}, {name: nosuch}]"))
write("include-duplicate", "include lists email twice", spec(extra="  include: [email, email]\n"))
write("include-unknown", "include unknown column", spec(extra="  include: [nosuch]\n"))
write("include-empty-string", "include: ['']", spec(extra="  include: [\"\"]\n"))
# contradictory options
write("unique-hash", "unique with hash", spec(extra="  unique: true\n  method: hash\n"))
write("nnd-without-unique", "nullsNotDistinct without unique", spec(extra="  nullsNotDistinct: true\n"))
write("include-on-gin", "include on gin", spec(cols="[{name: tags}]", extra="  method: gin\n  include: [a]\n"))
write("order-on-gin", "order on gin", spec(cols="[{name: tags, order: DESC}]", extra="  method: gin\n"))
write("nulls-on-hash", "nulls on hash", spec(cols="[{name: a, nulls: FIRST}]", extra="  method: hash\n"))
write("unique-brin", "unique brin", spec(extra="  unique: true\n  method: brin\n"))
write("gin-on-int", "gin on an int column (no default opclass)", spec(extra="  method: gin\n"))
write("opclass-wrong-type", "an int column with the array opclass", spec(cols="[{name: a, opclass: array_ops}]"))
write("opclass-wrong-method", "btree with the gin opclass gin__int_ops", spec(cols="[{name: tags, opclass: gin__int_ops}]"))
write("opclass-jsonb-on-int", "jsonb_path_ops on an int column", spec(cols="[{name: a, opclass: jsonb_path_ops}]"))
write("constraint-not-unique", "constraint without unique", spec(extra="  constraint: {type: Unique}\n"))
write("constraint-partial", "constraint with where", spec(extra="  unique: true\n  where: \"a > 0\"\n  constraint: {type: Unique}\n"))
write("constraint-expression", "constraint on an expression", spec(cols="[{expression: \"lower(email)\"}]", extra="  unique: true\n  constraint: {type: Unique}\n"))
write("constraint-name-differs", "constraint.name != name", spec(extra="  unique: true\n  constraint: {type: Unique, name: \"other; DROP TABLE victim\"}\n"))
write("constraint-desc", "constraint with DESC", spec(cols="[{name: a, order: DESC}]", extra="  unique: true\n  constraint: {type: Unique}\n"))
write("table-is-view", "table is a view", spec(table="victim_view"))
write("table-reserved-word", "table 'select' (reserved word, absent)", spec(table="select"))
write("schema-absent", "schema that does not exist", spec(schema="nosuch"))
write("name-is-table", "index name taken by the victim table", spec(name="victim"))
write("tablespace-absent", "tablespace that does not exist", spec(extra="  tablespace: nosuch\n"))
# durations
for slug, d in [("words", "forever"), ("days", "1d"), ("negative", "-5m"), ("injection", "5m; DROP TABLE victim"), ("space", "5 m")]:
    write("deadline-" + slug, "buildDeadline = %r" % d, spec(extra="  buildDeadline: %s\n" % q(d)))
# mapping failures
write("method-injection", "method with SQL", spec(extra="  method: \"btree; DROP TABLE victim\"\n"))
write("method-uppercase", "method BTREE (enum is lower case)", spec(extra="  method: BTREE\n"))
write("order-garbage", "order sideways", spec(cols="[{name: a, order: SIDEWAYS}]"))
write("nulls-injection", "nulls with SQL", spec(cols="[{name: a, nulls: \"FIRST; DROP TABLE victim\"}]"))
write("unique-string", "unique: 'yes please'", spec(extra="  unique: \"yes please\"\n"))
write("retry-limit-string", "retryLimit not a number", spec(extra="  retryLimit: \"three; DROP TABLE victim\"\n"))
write("retry-limit-huge", "retryLimit overflows int", spec(extra="  retryLimit: 99999999999999999999\n"))
write("reclaim-garbage", "reclaimPolicy Destroy", spec(extra="  reclaimPolicy: Destroy\n"))
write("sslmode-garbage", "sslMode garbage", spec(secret="db-app\n    sslMode: \"disable; DROP TABLE victim\""))
write("columns-as-string", "columns is a string", spec(cols="\"a, b\""))
write("storage-as-list", "storageParameters is a list", spec(extra="  storageParameters: [fillfactor]\n"))
write("constraint-type-garbage", "constraint type Foreign", spec(extra="  unique: true\n  constraint: {type: ForeignKey}\n"))
write("alias-bomb", "YAML alias bomb (billion laughs)", None, raw=(
    "apiVersion: pgindex.dev/v1alpha1\nkind: PostgresIndex\nmetadata:\n  name: bomb\n"
    "x0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" +
    "".join("x%d: &a%d [%s]\n" % (i, i, ",".join(["*a%d" % (i - 1)] * 9)) for i in range(1, 9)) +
    "spec:\n  connection: {secretName: db-app}\n  table: t\n  name: t_idx\n  columns: *a8\n"))
write("not-yaml", "not YAML at all", None, raw="{{{ this is : not [ yaml\n\t- ]]]\n")
write("spec-missing", "no spec", None, raw="apiVersion: pgindex.dev/v1alpha1\nkind: PostgresIndex\nmetadata:\n  name: nospec\n")
write("spec-scalar", "spec is a string", None, raw="apiVersion: pgindex.dev/v1alpha1\nkind: PostgresIndex\nmetadata:\n  name: s\nspec: \"DROP TABLE victim\"\n")
# connection Secret problems
def sec(slug, why, string_data, name="db-app"):
    sd = "stringData:\n" + "".join("  %s: %s\n" % (k, q(v)) for k, v in string_data.items())
    write("secret-" + slug, why, spec(secret=name), secret=(name, sd))
base = {"host": "${PGHOST}", "port": "${PGPORT}", "dbname": "${PGDATABASE}", "user": "postgres"}
def but(**kw):
    d = dict(base); 
    for k, v in kw.items():
        if v is None: d.pop(k, None)
        else: d[k] = v
    return d
sec("no-host", "Secret without host", but(host=None))
sec("no-dbname", "Secret without dbname", but(dbname=None))
sec("no-user", "Secret without user", but(user=None))
sec("empty", "Secret with no keys", {})
sec("port-garbage", "port not a number", but(port="5432; DROP TABLE victim"))
sec("port-zero", "port 0", but(port="0"))
sec("port-huge", "port 99999", but(port="99999"))
sec("uri-mysql", "uri of another scheme", {"uri": "mysql://root@localhost/db"})
sec("uri-garbage", "uri that is not a URI", {"uri": "postgresql://[::1:${PGPORT}/x y z"})
sec("user-absent", "user that does not exist", but(user="nosuchuser"))
sec("user-injection", "user with SQL", but(user="postgres'; DROP TABLE victim; --"))
sec("dbname-absent", "database that does not exist", but(dbname="nosuchdb"))
sec("dbname-injection", "dbname with SQL", but(dbname="x\"; DROP DATABASE postgres; --"))
sec("uri-user-injection", "uri whose user carries SQL", {"uri": "postgresql://evil%27%3B%20DROP%20TABLE%20victim%3B%20--@${PGHOST}:${PGPORT}/${PGDATABASE}"})
sec("uri-dbname-absent", "uri to a missing database", {"uri": "postgresql://postgres@${PGHOST}:${PGPORT}/nosuchdb"})
write("secret-not-found", "secretName names no Secret", spec(secret="no-such-secret"))
write("secret-name-injection", "secretName with SQL", spec(secret=q("db-app; DROP TABLE victim")))
write("connection-missing", "no connection", "  table: t\n  name: t_idx\n  columns: [{name: a}]\n")
write("secret-name-empty", "connection: {}", "  connection: {}\n  table: t\n  name: t_idx\n  columns: [{name: a}]\n")
# never what anyone meant, though PostgreSQL would take (or refuse only at the real build) some of them
write("columns-duplicate", "a key column listed twice", spec(cols="[{name: email}, {name: email}]"))
write("expression-duplicate", "a key expression listed twice", spec(cols="[{expression: lower(email)}, {expression: \"lower(email) \"}]"))
write("include-repeats-key", "include repeats a key column", spec(extra="  include: [a]\n"))
write("schema-pg-catalog", "a system catalog as the target", spec(schema="pg_catalog", table="pg_class", cols="[{name: relname}]"))
write("schema-information-schema", "information_schema as the target", spec(schema="information_schema", table="sql_features", cols="[{name: feature_id}]"))
write("schema-pg-toast", "a TOAST schema as the target", spec(schema="pg_toast", table="pg_toast_1262", cols="[{name: chunk_id}]"))
write("schema-pg-temp", "a temporary schema as the target", spec(schema="pg_temp_1", table="t", cols="[{name: a}]"))
print(n[0])
