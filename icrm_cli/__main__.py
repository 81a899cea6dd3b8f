"""`python -m icrm_cli` runs the same command line as `icrm`."""

from icrm_cli.cli.app import main

if __name__ == "__main__":
    main()
