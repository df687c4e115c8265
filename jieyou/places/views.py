from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jieyou.people import access


@login_required
def tree(request):
    return render(request, "places/tree.html", {"areas": access.areas(request.user)})


@login_required
def grid_list(request):
    return render(request, "places/grids.html", {"grids": access.grids(request.user)})
