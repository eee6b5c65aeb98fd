from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from indicators.models import Indicator


@login_required
def indicator_list(request):
    return render(request, "indicators/list.html", {"indicators": Indicator.objects.all()})


@login_required
def indicator_detail(request, pk):
    return render(request, "indicators/detail.html", {"indicator": get_object_or_404(Indicator, pk=pk)})
