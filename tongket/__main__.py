from tongket.cli import main

main()
