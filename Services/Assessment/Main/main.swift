import AssessmentService

AssessmentApp.main()
