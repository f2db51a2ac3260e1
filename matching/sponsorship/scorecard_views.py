"""The sponsor scorecard (the sponsor's own, and HR's side by side) and HR's talent review pack."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Person
from accounts.roles import hr_admin_required, person_required, roles_for
from matching.sponsorship.forms import TalentReviewForm
from matching.sponsorship.scorecard import SORT_KEYS, scorecards, scorecards_sorted
from matching.sponsorship.talent_review import pack_csv, talent_review_pack


@person_required
def scorecard(request):
    """The signed-in sponsor's own scorecard: only their own figures, so no small-group care
    is needed (they know their protégés by name)."""
    if not roles_for(request).is_sponsor:
        return redirect("sponsorship:register")
    card = scorecards(today=timezone.localdate(), sponsor=request.person)[0]
    return render(request, "sponsorship/scorecard.html", {"card": card, "own": True})


@hr_admin_required
def hr_scorecard(request, person_pk):
    sponsor = get_object_or_404(Person, pk=person_pk)
    cards = scorecards(today=timezone.localdate(), sponsor=sponsor)
    if not cards[0].proteges:
        raise Http404("This person has sponsored nobody.")
    return render(request, "sponsorship/scorecard.html", {"card": cards[0], "own": False})


@hr_admin_required
def hr_scorecards(request):
    cards, sort = scorecards_sorted(scorecards(today=timezone.localdate()),
                                    request.GET.get("sort", "name"))
    return render(request, "sponsorship/hr_scorecards.html", {
        "cards": cards, "sort": sort, "sort_keys": SORT_KEYS})


@hr_admin_required
def talent_review(request):
    form = TalentReviewForm(request.GET or None)
    pack = None
    if form.is_valid():
        pack = talent_review_pack(**form.cleaned_data)
        output = request.GET.get("format", "")
        if output in ("csv", "print"):
            audit_record(request, "talent_review.export", summary=(
                f"Talent review pack ({output}) for {pack.scope} as of {pack.as_of}: "
                f"{len(pack.entries)} protégé(s)"), format=output, as_of=str(pack.as_of),
                department=pack.department.pk if pack.department else None,
                level_min=pack.level_min, level_max=pack.level_max)
        if output == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="talent-review-{pack.as_of}.csv"')
            response.write("\ufeff" + pack_csv(pack))
            return response
        if output == "print":
            return render(request, "sponsorship/talent_review_print.html", {"pack": pack})
    return render(request, "sponsorship/talent_review.html", {
        "form": form, "pack": pack, "query": request.GET.urlencode()})
