import CostsService

CostsApp.main()
