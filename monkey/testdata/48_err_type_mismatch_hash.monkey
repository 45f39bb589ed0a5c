let h = {"a": 1};
h + 1
