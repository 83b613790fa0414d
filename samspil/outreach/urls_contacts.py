"""Staff pages: registered conversations at the drop-in centres, persons known there, linking and the citizen's rating
(see urls.py; the views are in views_contacts.py)."""

from django.urls import path

from samspil.outreach import views_contacts as views

urlpatterns = [
    path("", views.ContactListView.as_view(), name="contacts_list"),
    path("ny/", views.RegistrationCreateView.as_view(), name="contacts_create"),
    path("personer/soeg/", views.PersonSearchView.as_view(), name="contacts_person_search"),
    path("personer/<uuid:person_id>/", views.PersonView.as_view(), name="contacts_person"),
    path("personer/<uuid:person_id>/kobl/", views.PersonLinkView.as_view(), name="contacts_person_link"),
    path("<uuid:registration_id>/", views.RegistrationView.as_view(), name="contacts_registration"),
    path("<uuid:registration_id>/ret/", views.RegistrationEditView.as_view(), name="contacts_edit"),
    path("<uuid:registration_id>/kobl/", views.RegistrationLinkView.as_view(), name="contacts_registration_link"),
    path("<uuid:registration_id>/vurderingslink/", views.RatingLinkView.as_view(), name="contacts_rating_link"),
    path("<uuid:registration_id>/vurdering/", views.RatingPaperView.as_view(), name="contacts_rating_paper"),
]
