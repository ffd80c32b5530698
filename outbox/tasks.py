from django_tasks import task


@task()
def deliver_mail(mail_id: int) -> bool:
    """Only the id travels through the queue: no address ever sits in the broker or its logs."""
    # Imported here: outbox.services enqueues this task, so it imports this module.
    from outbox.services import mail_deliver

    return mail_deliver(mail_id=mail_id)
