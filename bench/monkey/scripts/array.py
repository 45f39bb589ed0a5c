def fill(a, lo, hi):
    if lo == hi:
        a.append(lo)
        return a
    mid = (lo + hi) // 2
    return fill(fill(a, lo, mid), mid + 1, hi)

def map_(arr, f):
    def step(acc, lo, hi):
        if lo == hi:
            acc.append(f(arr[lo]))
            return acc
        mid = (lo + hi) // 2
        return step(step(acc, lo, mid), mid + 1, hi)
    return step([], 0, len(arr) - 1)

def reduce_(arr, init, f):
    def step(acc, lo, hi):
        if lo == hi:
            return f(acc, arr[lo])
        mid = (lo + hi) // 2
        return step(step(acc, lo, mid), mid + 1, hi)
    return step(init, 0, len(arr) - 1)

def main():
    k = 2
    doubled = map_(fill([], 1, 100000), lambda x: x * k)
    return reduce_(doubled, 0, lambda acc, x: acc + x)
