from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import access


@login_required
def resident_list(request):
    return render(request, "people/residents.html", {"residents": access.residents(request.user)})


@login_required
def unit_list(request):
    return render(request, "people/units.html", {"units": access.units(request.user)})
