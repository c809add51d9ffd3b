# formula.R: ckm_fit(~ a + b, data = df) and new data for a formula fit.

# ckm_fit(~ a + b, data = df): the terms of the formula evaluated on `data`
# (model.frame(), so `~ log(a) + I(b^2)` and `~ .` work), numeric only, no
# response and no interactions (k-means has no use for them: give the
# product as a term, `I(a * b)`); rows with NA are an error, as in
# ckm_fit(X). The terms come back as attribute "terms", kept in the fit, so
# that new data is evaluated the same way (formula_frame()).
formula_data <- function(formula, data, call) {
  if (length(formula) != 2L) {
    abort("`X` must be a one-sided formula (`~ a + b`): k-means has no response.", call)
  }
  if (is.null(data) || !is.data.frame(data)) {
    abort(sprintf("`data` must be a data frame for a formula `X`, not %s.", describe(data)), call)
  }
  tt <- tryCatch(stats::terms(formula, data = data),
                 error = function(e) abort(sprintf("`X`: %s", conditionMessage(e)), call))
  if (any(attr(tt, "order") > 1L)) {
    bad <- attr(tt, "term.labels")[attr(tt, "order") > 1L]
    abort(sprintf("The formula has %s %s; k-means takes columns, not interactions: give a product as a term, such as `I(a * b)`.",
                  if (length(bad) == 1L) "the interaction" else "the interactions",
                  paste0("`", bad, "`", collapse = ", ")), call)
  }
  X <- formula_frame(tt, data, call, "data")
  attr(X, "terms") <- tt
  X
}

# The terms of a fit's formula evaluated on `data`: a numeric matrix whose
# columns are named by the terms.
formula_frame <- function(tt, data, call, arg) {
  mf <- tryCatch(stats::model.frame(tt, data, na.action = stats::na.pass),
                 error = function(e) abort(sprintf("`%s`: %s", arg, conditionMessage(e)), call))
  bad <- names(mf)[!vapply(mf, is.numeric, logical(1))]
  if (length(bad)) {
    abort(sprintf("The formula's terms must be numeric; %s %s not.",
                  paste0("`", bad, "`", collapse = ", "), if (length(bad) == 1L) "is" else "are"), call)
  }
  X <- as.matrix(mf)
  attr(X, "terms") <- NULL
  X
}
