from django_tasks import task


@task()
def import_wordpress_export(run_id: int) -> bool:
    """Import one uploaded export (``ImportRun``); only its id travels through the queue."""
    # Imported here: blog.wordpress.runs enqueues this task, so it imports this module.
    from blog.wordpress.runs import import_run_execute

    return import_run_execute(run_id=run_id)
