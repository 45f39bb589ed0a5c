if (10 > 1) {
  true + false;
}
