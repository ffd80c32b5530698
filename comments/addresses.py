"""The address a request came from, read as the deployment's proxies say to read it.

Comments (the flood rule, the stored address) and the admin login's lockout
(``AXES_CLIENT_IP_CALLABLE``) read it here, so both count one reader as one address.
"""

import ipaddress

from comments.conf import discussion_settings


def client_ip(request, conf=None):
    """The reader's address, or None if it is not an IP address.

    Behind ``trusted_proxies`` proxies (``COMMENTS_TRUSTED_PROXIES``), it is the address
    the nearest of them saw: the entries further left in X-Forwarded-For are whatever the
    client chose to send.
    """
    trusted_proxies = (conf or discussion_settings()).trusted_proxies
    address = request.META.get("REMOTE_ADDR", "")
    if trusted_proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= trusted_proxies:
            address = forwarded[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
