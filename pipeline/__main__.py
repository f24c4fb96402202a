"""`python -m pipeline …` (on Windows `py -m pipeline …`): the same command as `pipeline …`."""

from pipeline.cli import main

if __name__ == "__main__":
    main()
