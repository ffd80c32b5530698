import ast
from pathlib import Path

import comments

COMMENTS_DIR = Path(comments.__file__).parent
HOST_APPS = {"blog", "site_settings", "subscriptions"}


def test_comments_app_never_imports_blog():
    """comments/ stands alone: no module in it imports the apps it serves (DESIGN.md)."""
    offenders = []
    for path in COMMENTS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {name}" for name in names if name.split(".")[0] in HOST_APPS]
    assert not offenders, offenders
