app_name = "pathway_economy"

urlpatterns = []
