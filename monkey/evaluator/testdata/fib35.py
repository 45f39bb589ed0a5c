# The same program as fib35.monkey, for timing CPython against the evaluator:
#   time python3 monkey/evaluator/testdata/fib35.py
#   time go run ./cmd/monkey run -engine=eval monkey/evaluator/testdata/fib35.monkey
def fibonacci(x):
    if x == 0:
        return 0
    else:
        if x == 1:
            return 1
        else:
            return fibonacci(x - 1) + fibonacci(x - 2)

print(fibonacci(35))
