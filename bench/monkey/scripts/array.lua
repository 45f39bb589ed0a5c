local function fill(a, lo, hi)
  if lo == hi then a[#a + 1] = lo; return a end
  local mid = math.floor((lo + hi) / 2)
  return fill(fill(a, lo, mid), mid + 1, hi)
end
local function map(arr, f)
  local function step(acc, lo, hi)
    if lo == hi then acc[#acc + 1] = f(arr[lo]); return acc end
    local mid = math.floor((lo + hi) / 2)
    return step(step(acc, lo, mid), mid + 1, hi)
  end
  return step({}, 1, #arr)
end
local function reduce(arr, init, f)
  local function step(acc, lo, hi)
    if lo == hi then return f(acc, arr[lo]) end
    local mid = math.floor((lo + hi) / 2)
    return step(step(acc, lo, mid), mid + 1, hi)
  end
  return step(init, 1, #arr)
end
local k = 2
local doubled = map(fill({}, 1, 100000), function(x) return x * k end)
result = reduce(doubled, 0, function(acc, x) return acc + x end)
