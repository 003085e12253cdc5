import sys

from .student_copy import main

sys.exit(main())
