import CoordinationService

CoordinationApp.main()
