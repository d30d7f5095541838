"""`python -m rnngrad status` (what is current and why not) and `python -m rnngrad reference`."""

import sys

COMMANDS = ("status", "reference")


def main(argv) -> int:
    """Dispatch to a command module; its own --help says more."""
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m rnngrad {{{','.join(COMMANDS)}}} [--help]", file=sys.stderr)
        return 2
    if argv[0] == "status":
        from rnngrad.workflow.status import main as status

        return status(argv[1:])
    from rnngrad.workflow.reference import main as reference

    return reference(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
