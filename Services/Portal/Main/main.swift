import PortalService

Portal.main()
