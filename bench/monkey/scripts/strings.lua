local function cat(s, lo, hi)
  if lo == hi then return s .. "ab" end
  local mid = math.floor((lo + hi) / 2)
  return cat(cat(s, lo, mid), mid + 1, hi)
end
result = #cat("", 1, 100000)
