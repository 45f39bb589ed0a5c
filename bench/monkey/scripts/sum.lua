local function sum(lo, hi)
  if lo == hi then return lo end
  local mid = math.floor((lo + hi) / 2)
  return sum(lo, mid) + sum(mid + 1, hi)
end
result = sum(1, 10000000)
