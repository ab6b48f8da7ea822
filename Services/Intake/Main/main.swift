import IntakeService

IntakeApp.main()
