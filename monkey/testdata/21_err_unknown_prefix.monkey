let flag = true;
-flag
