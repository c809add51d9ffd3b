# ckm: the two commands of the README, and the steps they are made of.
R ?= R
RSCRIPT ?= Rscript

# The packages the check needs and R does not have come from CRAN into a
# library of the project's own, first on the library path of every step
# below: the system and site libraries are left as they are. (`make ckm`,
# `make demo` and `make vignettes` install ckm itself where R installs
# packages, so that library(ckm) works afterwards.)
RLIB ?= $(CURDIR)/.rlib
USER_LIBS := $(R_LIBS)
export R_LIBS := $(RLIB)$(if $(USER_LIBS),:$(USER_LIBS))
USER_R = env R_LIBS="$(USER_LIBS)" $(R)
USER_RSCRIPT = env R_LIBS="$(USER_LIBS)" $(RSCRIPT)

.PHONY: deps demo test install ckm vignettes document check bench clean harden sanitize ctest huge fuzz valgrind gctorture interrupt determinism browser site mpi

deps:
	$(RSCRIPT) tools/install-deps.R --lib $(RLIB)

# ckm into the project's library, for the steps that run it
install: deps
	$(R) CMD INSTALL --preclean --library=$(RLIB) .

# ckm alone: it imports only R's base packages, so nothing else is needed
# (or installed) to fit with it
ckm:
	$(USER_R) CMD INSTALL --preclean .

# ckm with its vignettes (vignette(package = "ckm")): built into a tarball
# first, which needs the packages the vignettes use (make deps)
vignettes: deps
	rm -rf check/build && mkdir -p check/build
	cd check/build && $(R) CMD build ../..
	$(USER_R) CMD INSTALL check/build/ckm_*.tar.gz

demo: ckm
	$(USER_RSCRIPT) -e 'library(ckm); set.seed(42); fit <- ckm_fit(iris[, 1:4], k = 3, threads = 2); print(fit); print(table(cluster = fit$$cluster, species = iris$$Species))'

test: deps
	bash tools/check.sh

# Hardening (see "Hardening" in README.md); `make harden` runs them all.
harden: sanitize ctest huge fuzz valgrind gctorture interrupt determinism

sanitize: deps
	bash tools/sanitize.sh

ctest:
	$(MAKE) -C tools/ctest test
	bash tools/kernel-asm.sh

huge:
	$(MAKE) -C tools/ctest huge

FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tools/ctest fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

valgrind: install
	bash tools/valgrind.sh

gctorture: install
	$(RSCRIPT) tools/gctorture.R

interrupt: install
	$(RSCRIPT) tools/interrupt.R

determinism: deps
	bash tools/determinism.sh

# The explorer (ckm_explore()) driven in headless Chromium: needs node and
# /usr/bin/chromium (Debian's chromium; or CHROMIUM=/path); screenshots and
# logs go to check/browser/.
browser: install
	@command -v node >/dev/null || { echo "make browser needs node (Debian: nodejs npm)"; exit 1; }
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "make browser needs chromium (Debian: chromium) or CHROMIUM=/path"; exit 1; }
	cd tools/browser && npm ci --no-audit --no-fund
	$(RSCRIPT) tools/browser/run.R

# ckm_fit_mpi() under mpirun with 1 to 4 processes, against ckm_fit()
# (tools/mpi.sh; needs Debian's openmpi-bin, libopenmpi-dev, r-cran-rmpi).
mpi: install
	bash tools/mpi.sh

# The pkgdown site in check/site, its internal links checked (tools/site.R).
site: install
	$(RSCRIPT) tools/site.R

# roxygenise() loads the package with pkgload, which compiles src/ in place
# without optimisation: those objects are removed, or a later
# `R CMD INSTALL .` (without --preclean) would install them
document:
	$(RSCRIPT) -e 'roxygen2::roxygenise()'
	rm -f src/*.o src/*.so

bench: install
	$(RSCRIPT) bench/first-timing.R

clean:
	rm -rf check .rlib ckm.Rcheck ckm_*.tar.gz src/*.o src/*.so tools/ctest/build
