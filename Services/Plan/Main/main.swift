import PlanService

PlanApp.main()
