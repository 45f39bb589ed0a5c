def sum_(lo, hi):
    if lo == hi:
        return lo
    mid = (lo + hi) // 2
    return sum_(lo, mid) + sum_(mid + 1, hi)

def main():
    return sum_(1, 10000000)
