print("partner simulator: not built yet")
