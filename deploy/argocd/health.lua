-- Argo CD health check for pgindex.dev/PostgresIndex. It reads the same things kstatus reads: the status (and each
-- condition) must describe the current metadata.generation; then Stalled=True is Degraded, Reconciling=True is
-- Progressing and Ready=True is Healthy. The message is the operator's own (reason: message).
local hs = {}

local function find(conditions, type)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c)
  local text = c.reason or ""
  if c.message ~= nil and c.message ~= "" then
    if text ~= "" then
      text = text .. ": "
    end
    text = text .. c.message
  end
  return text
end

-- a condition computed for an older spec says nothing about the current one
local function current(c, generation)
  return c ~= nil and (c.observedGeneration == nil or generation == nil or c.observedGeneration >= generation)
end

local generation = obj.metadata.generation
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local stalled = find(status.conditions, "Stalled")
local reconciling = find(status.conditions, "Reconciling")
local ready = find(status.conditions, "Ready")

if stalled ~= nil and stalled.status == "True" and current(stalled, generation) then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end
if reconciling ~= nil and reconciling.status == "True" and current(reconciling, generation) then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  return hs
end
if ready ~= nil and ready.status == "True" and current(ready, generation) then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end
hs.status = "Progressing"
if ready ~= nil and current(ready, generation) then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Ready condition of generation " .. tostring(generation)
end
return hs
