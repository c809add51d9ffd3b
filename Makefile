# ckm: the two commands of the README, and the steps they are made of.
R ?= R
RSCRIPT ?= Rscript

.PHONY: deps demo test install document check bench clean

deps:
	$(RSCRIPT) tools/install-deps.R

install: deps
	$(R) CMD INSTALL --preclean .

demo: install
	$(RSCRIPT) -e 'library(ckm); set.seed(42); fit <- ckm_fit(iris[, 1:4], k = 3, threads = 2); print(fit); print(table(cluster = fit$$cluster, species = iris$$Species))'

test: deps
	bash tools/check.sh

document:
	$(RSCRIPT) -e 'roxygen2::roxygenise()'

bench: install
	$(RSCRIPT) bench/first-timing.R

clean:
	rm -rf check ckm.Rcheck ckm_*.tar.gz src/*.o src/*.so
