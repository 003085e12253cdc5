# The course's two commands (see README.md), plus the cluster controls.
.PHONY: course test up down status reset

# JupyterLab refuses to start as root (a container, a cloud VM) unless told it may.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

course:  ## install, start the cluster, open JupyterLab on the first notebook
	bash scripts/setup.sh
	.venv/bin/python -m course_lib up
	.venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00_welcome.ipynb

test:  ## install, start the cluster, run every test, notebook and lab, stop the cluster
	bash scripts/test.sh

up:
	.venv/bin/python -m course_lib up
down:
	.venv/bin/python -m course_lib down
status:
	.venv/bin/python -m course_lib status
reset:
	.venv/bin/python -m course_lib reset
