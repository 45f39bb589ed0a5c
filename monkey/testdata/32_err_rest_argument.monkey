rest({})
