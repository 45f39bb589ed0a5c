last("string")
