def main():
    h = {}
    for i in range(100000):
        h[i] = i * 2
    def look(lo, hi):
        if lo == hi:
            return h[lo]
        mid = (lo + hi) // 2
        return look(lo, mid) + look(mid + 1, hi)
    return look(0, 99999)
