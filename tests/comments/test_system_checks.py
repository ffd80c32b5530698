import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from comments.system_checks import comments_configuration

NOT_A_FUNCTION = "a setting's value, not a check"


def _ids():
    return [error.id for error in comments_configuration()]


def test_the_projects_own_settings_pass():
    """The comments settings Montage ships with raise nothing."""
    assert comments_configuration() == []


@override_settings(COMMENTS_CHECKS=["comments.checks.honeypot", "comments.checks.no_such_rule"])
def test_a_moderation_check_that_does_not_exist_is_an_error():
    """A misspelt check is named at manage.py check, not at a reader's comment."""
    (error,) = comments_configuration()
    assert error.id == "comments.E002"
    assert "'comments.checks.no_such_rule'" in error.msg


@override_settings(COMMENTS_CHECKS=["no_such_package.rules.check"])
def test_a_moderation_check_in_a_missing_module_is_an_error():
    """A check whose module cannot be imported is reported too."""
    assert _ids() == ["comments.E002"]


@override_settings(COMMENTS_CHECKS=["tests.comments.test_system_checks.NOT_A_FUNCTION"])
def test_a_moderation_check_that_is_not_a_function_is_an_error():
    """Something importable that cannot be called is no check."""
    assert _ids() == ["comments.E003"]


@override_settings(COMMENTS_TARGET_MODELS=["blog.Post", "blog.NoSuchModel", "postonly"])
def test_an_unknown_target_model_is_an_error():
    """A target that is not an installed model is named, in either spelling mistake."""
    errors = comments_configuration()
    assert [error.id for error in errors] == ["comments.E004", "comments.E004"]
    assert "'blog.NoSuchModel'" in errors[0].msg


@override_settings(COMMENTS_TARGET_MODELS=["blog.Category"])
def test_a_target_without_comments_opened_at_is_an_error():
    """A target must say when its discussion opened."""
    (error,) = comments_configuration()
    assert error.id == "comments.E005"
    assert "comments_opened_at" in error.msg
    assert error.obj.__name__ == "Category"


@override_settings(COMMENTS_TARGET_MODELS=["auth.User"])
def test_a_target_without_a_page_is_an_error():
    """A target needs a page (get_absolute_url) to show its comments and return to."""
    assert sorted(_ids()) == ["comments.E005", "comments.E006"]


@override_settings(COMMENTS_THREAD_DEPTH=0)
def test_an_impossible_setting_is_an_error_not_a_crash():
    """A value the settings refuse is reported by the check like the others."""
    (error,) = comments_configuration()
    assert error.id == "comments.E001"
    assert "COMMENTS_THREAD_DEPTH" in error.msg


@override_settings(COMMENTS_CHECKS=["comments.checks.no_such_rule"])
def test_manage_py_check_fails_on_a_misconfiguration():
    """The check is registered: manage.py check stops with the error."""
    with pytest.raises(SystemCheckError, match=r"comments\.E002"):
        call_command("check")


@override_settings(COMMENTS_AUTHOR_NAME="site_settings.authors.no_such_function")
def test_an_author_name_hook_that_does_not_exist_is_an_error():
    """Found at manage.py check, not when the author first replies."""
    assert _ids() == ["comments.E007"]


@override_settings(COMMENTS_AUTHOR_NAME="tests.comments.test_system_checks.NOT_A_FUNCTION")
def test_an_author_name_hook_that_is_not_a_function_is_an_error():
    assert _ids() == ["comments.E007"]


@override_settings(COMMENTS_PRIVACY_EXPORTERS=["no_such_app.privacy.export"])
def test_a_privacy_exporter_that_does_not_exist_is_an_error():
    """Found at manage.py check, not when the author answers someone's privacy request."""
    assert _ids() == ["comments.E008"]


@override_settings(COMMENTS_PRIVACY_ERASERS=["tests.comments.test_system_checks.NOT_A_FUNCTION"])
def test_a_privacy_eraser_that_is_not_a_function_is_an_error():
    assert _ids() == ["comments.E009"]
