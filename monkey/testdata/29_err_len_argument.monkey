puts(len("ok"));
len(1)
