local h = {}
for i = 0, 99999 do h[i] = i * 2 end
local function look(lo, hi)
  if lo == hi then return h[lo] end
  local mid = math.floor((lo + hi) / 2)
  return look(lo, mid) + look(mid + 1, hi)
end
result = look(0, 99999)
