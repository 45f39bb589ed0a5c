def cat(s, lo, hi):
    if lo == hi:
        return s + "ab"
    mid = (lo + hi) // 2
    return cat(cat(s, lo, mid), mid + 1, hi)

def main():
    return len(cat("", 1, 100000))
