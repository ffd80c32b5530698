from django.core.management.base import BaseCommand, CommandError

from comments.conf import discussion_settings
from comments.spam.evaluation import BadFile, evaluate, read_examples

OUTCOMES = (("spam", "sent to spam"), ("held", "held"), ("passed", "passed"))


def _share(value):
    return "n/a" if value is None else f"{value * 100:.1f} %"


class Command(BaseCommand):
    help = (
        "Evaluate the spam filter on a labelled CSV file (columns text and label, spam or "
        "ham; optionally name and website): learn part of it, score the rest, and print "
        "precision, recall and the confusion matrix. The site's own filter is not touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The labelled CSV file.")
        parser.add_argument(
            "--train", type=int, help="How many rows to learn from (default: half of them)."
        )
        parser.add_argument(
            "--seed", type=int, default=13, help="The shuffle's seed (default: 13)."
        )

    def handle(self, *args, file, train=None, seed=13, **options):
        try:
            examples = read_examples(file)
            conf = discussion_settings()
            if train is None:
                train = len(examples) // 2
            report = evaluate(
                examples,
                train=train,
                seed=seed,
                spam_threshold=conf.spam_threshold / 100,
                hold_threshold=conf.spam_hold_threshold / 100,
            )
        except BadFile as error:
            raise CommandError(str(error)) from None
        write = self.stdout.write
        write(
            f"Learned {report.trained_spam} spam and {report.trained_ham} ham rows of "
            f"{file} (seed {seed}); scored the other {report.tested}."
        )
        write(f"Spam at {conf.spam_threshold} % and up, held from {conf.spam_hold_threshold} %.")
        write(f"Precision: {_share(report.precision)} (of what went to spam, the share spam)")
        write(f"Recall: {_share(report.recall)} (of the spam, the share sent to spam)")
        write(f"Ham sent to spam: {_share(report.ham_to_spam)}")
        write("")
        header = f"{'':>8}" + "".join(f"{label:>14}" for _, label in OUTCOMES)
        write(header)
        for actual in ("spam", "ham"):
            cells = "".join(f"{report.count(actual, outcome):>14}" for outcome, _ in OUTCOMES)
            write(f"{actual:>8}{cells}")
