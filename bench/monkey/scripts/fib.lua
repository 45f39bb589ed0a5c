local function fibonacci(x)
  if x == 0 then return 0 else if x == 1 then return 1 else return fibonacci(x - 1) + fibonacci(x - 2) end end
end
result = fibonacci(35)
