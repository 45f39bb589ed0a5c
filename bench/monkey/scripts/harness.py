# Runs main() of the benchmark script named on the command line and prints
# its result and the seconds main() took (interpreter start-up and compiling
# the script are not timed).
import importlib.util
import sys
import time

sys.setrecursionlimit(100000)
spec = importlib.util.spec_from_file_location("prog", sys.argv[1])
prog = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prog)
start = time.perf_counter()
result = prog.main()
elapsed = time.perf_counter() - start
print(result, elapsed)
