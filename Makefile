# The course's two commands (see README.md), plus the cluster controls.
.PHONY: course test up down status reset book book-serve

# JupyterLab refuses to start as root (a container, a cloud VM) unless told it may.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
BOOK_HOME = $(or $(COURSE_HOME),.course)/book
BOOK_PORT = 8000

course:  ## install, start the cluster, open JupyterLab on the first notebook
	bash scripts/setup.sh
	.venv/bin/python -m course_lib up
	.venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00_welcome.ipynb

test:  ## install, start the cluster, run every test, notebook and lab, stop the cluster
	bash scripts/test.sh

book:  ## execute every lesson and lab solution on the course cluster, then build the HTML book (.course/book/html)
	bash scripts/setup.sh
	.venv/bin/python -m course_lib up
	rm -rf "$(BOOK_HOME)/executed"
	.venv/bin/python -m pytest notebooks labs/*/solution.ipynb --nbval-lax --nbval-current-env \
	  --nbval-cell-timeout=600 -q -p book.capture --executed-into "$(BOOK_HOME)/executed"
	.venv/bin/python -m book build

book-serve:  ## show the built book on http://127.0.0.1:$(BOOK_PORT)/
	.venv/bin/python -m book serve --port $(BOOK_PORT)

up:
	.venv/bin/python -m course_lib up
down:
	.venv/bin/python -m course_lib down
status:
	.venv/bin/python -m course_lib status
reset:
	.venv/bin/python -m course_lib reset
