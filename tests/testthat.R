library(testthat)
library(ckm)

test_check("ckm")
