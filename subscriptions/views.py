from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from subscriptions.forms import SubscribeForm
from subscriptions.mail import POSTS
from subscriptions.services import (
    ConfirmProblem,
    subscriber_confirm,
    subscriber_request,
    subscriber_resubscribe,
    subscriber_unsubscribe,
)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The form; a valid address is answered alike whether it is known or not."""
    form = SubscribeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            subscriber_request(email=form.cleaned_data["email"])
            return redirect("subscriptions:requested")
        return render(request, "subscriptions/subscribe.html", {"form": form}, status=400)
    return render(request, "subscriptions/subscribe.html", {"form": form})


def requested(request):
    return render(request, "subscriptions/requested.html")


@never_cache
def confirm(request, token):
    try:
        confirmed = subscriber_confirm(token=token)
    except ConfirmProblem as problem:
        context = {"reason": problem.reason, "form": SubscribeForm()}
        return render(request, "subscriptions/confirm_failed.html", context, status=400)
    context = {"confirmed": confirmed, "is_posts": confirmed.what == POSTS}
    return render(request, "subscriptions/confirmed.html", context)


# A mail client's one-click unsubscribe POSTs here with no CSRF token and no cookie
# (RFC 8058, section 3.1); the link in the email is a GET. Both unsubscribe at once.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber_unsubscribe(token=token)
    return render(request, "subscriptions/unsubscribed.html", {"token": token})


@require_POST
def resubscribe(request, token):
    if subscriber_resubscribe(token=token):
        return render(request, "subscriptions/resubscribed.html")
    return redirect("subscriptions:subscribe")
