.onLoad <- function(libname, pkgname) {
  # the tidyclust engine: now if tidyclust is loaded, else when it is
  if (isNamespaceLoaded("tidyclust")) register_tidyclust_engine()
  setHook(packageEvent("tidyclust", "onLoad"), register_tidyclust_engine)
  invisible()
}
