# ckm explorer: watch Lloyd's iterations on a data set of your choice, the
# inertia per iteration, the elbow and silhouette over a range of k, and the
# package's benchmark results. Started by ckm::ckm_explore().
#
# Reproducible: the data are drawn after set.seed(seed), and the random or
# k-means++ start right after them, so that in R
#   set.seed(seed); d <- <generator>; ckm_converge(d$X, k, init, iterations)
# gives the states the app steps through.

library(shiny)
library(ckm)

generators <- list(
  blobs = function(n) ckm_blobs(n, centers = 3, sd = 1),
  moons = function(n) ckm_moons(n, noise = 0.06),
  rings = function(n) ckm_circles(n, noise = 0.04, factor = 0.5),
  "unequal sizes" = function(n) ckm_unequal(),
  anisotropic = function(n) ckm_anisotropic(n, centers = 3)
)
bench_dir <- getShinyOption("ckm.bench_dir", system.file("explorer", "bench", package = "ckm"))
user_data <- getShinyOption("ckm.data", NULL)
palette_k <- function(k) grDevices::hcl.colors(max(k, 2), "Dark 3")[seq_len(k)]
# methods in the benchmark plots: hues far apart, as ckm's cluster plots
palette_methods <- ckm:::cluster_colours
# a benchmark problem as a readable label
problem_label <- function(n, d, k) sprintf("n %s\nd %s, k %s", format(n, big.mark = ",", scientific = FALSE, trim = TRUE), d, k)
# a results table as people read it: whole numbers without decimals,
# others to 4 significant digits
tidy_table <- function(b) {
  for (nm in names(b)) {
    v <- b[[nm]]
    if (is.numeric(v) && all(is.na(v) | v == round(v)) && all(abs(v[!is.na(v)]) < 1e15)) {
      b[[nm]] <- format(v, big.mark = ",", scientific = FALSE, trim = TRUE)
    } else if (is.numeric(v)) {
      b[[nm]] <- formatC(v, digits = 4, format = "g", big.mark = ",")
    }
  }
  b
}
exact <- function(x) sprintf("%.17g", x)
`%||%` <- function(a, b) if (is.null(a)) b else a

ui <- fluidPage(
  titlePanel("ckm explorer"),
  tabsetPanel(id = "tab",
    tabPanel("Iterations", value = "iterations",
      sidebarLayout(
        sidebarPanel(width = 3,
          p("Lloyd's algorithm one iteration at a time: each point goes to its nearest",
            "centre (colours), then each centre (crosses) moves to the mean of its points",
            "(arrows). Start shows the starting centres; Step, Back, End and Animate move",
            "through the iterations."),
          actionLink("failure", "Show the classic failure: these blobs from a random start, two centres in one blob"),
          hr(),
          selectInput("dataset", "Data", c(names(generators), if (!is.null(user_data)) "your data", "upload a CSV")),
          conditionalPanel("input.dataset == 'upload a CSV'",
            fileInput("csv", "CSV file", accept = c(".csv", "text/csv")),
            selectInput("columns", "Columns", choices = NULL, multiple = TRUE)),
          conditionalPanel("input.dataset == 'upload a CSV' || input.dataset == 'your data'",
            checkboxInput("scale", "Scale the columns (mean 0, sd 1)", TRUE)),
          numericInput("n", "Points (generated data)", 400, min = 20, max = 1e5, step = 10),
          numericInput("k", "k", 3, min = 1, max = 50, step = 1),
          radioButtons("init", "Seeding", c("kmeans++", "random"), inline = TRUE),
          selectInput("algorithm", "Algorithm", c("lloyd", "hamerly", "yinyang")),
          numericInput("seed", "Seed", 6, min = 0, step = 1),
          numericInput("max_iter", "Iterations to keep", 30, min = 1, max = 300),
          hr(),
          div(
            actionButton("reset", "Start"), actionButton("back", "Back"),
            actionButton("step", "Step"), actionButton("end", "End"),
            actionButton("play", "Animate")),
          sliderInput("speed", "Animation delay (ms)", 100, 2000, 500, step = 100),
          hr(),
          downloadButton("labels", "Download labels")
        ),
        mainPanel(width = 9,
          uiOutput("status"),
          fluidRow(
            column(7, plotOutput("clusters", height = "480px")),
            column(5, plotOutput("trace", height = "480px"))),
          tableOutput("sizes")
        )
      )
    ),
    tabPanel("Elbow and silhouette", value = "elbow",
      sidebarLayout(
        sidebarPanel(width = 3,
          sliderInput("k_range", "Range of k", 1, 15, c(1, 10), step = 1),
          numericInput("elbow_starts", "Starts per k", 3, min = 1, max = 20),
          actionButton("run_elbow", "Compute again"),
          p("The data chosen on the Iterations tab, fitted for every k in the range;",
            "computed when the tab opens, and again with Compute.")),
        mainPanel(width = 9, uiOutput("elbow_status"), plotOutput("elbow_plot", height = "420px"),
                  tableOutput("elbow_table"))
      )
    ),
    tabPanel("Benchmarks", value = "bench",
      sidebarLayout(
        sidebarPanel(width = 3,
          p("Runtime, memory, CPU time and quality of each method, side by side for each",
            "problem (n rows, d dimensions, k clusters)."),
          selectInput("bench_file", "Stored results", list.files(bench_dir, "\\.csv$")),
          fileInput("bench_csv", "Or upload a CSV of results", accept = ".csv"),
          hr(),
          h4("Or run one here"),
          p("ckm and stats::kmeans from the same start on Gaussian blobs, three runs each."),
          numericInput("bn", "n (rows)", 20000, min = 100, max = 1e6),
          numericInput("bd", "d (dimensions)", 8, min = 1, max = 256),
          numericInput("bk", "k (clusters)", 16, min = 2, max = 512),
          actionButton("run_bench", "Run")),
        mainPanel(width = 9, uiOutput("bench_status"),
          fluidRow(column(6, plotOutput("bench_time")), column(6, plotOutput("bench_memory"))),
          fluidRow(column(6, plotOutput("bench_cpu")), column(6, plotOutput("bench_quality"))),
          div(style = "overflow-x: auto; max-width: 100%;", tableOutput("bench_table")))
      )
    )
  )
)

server <- function(input, output, session) {
  uploaded <- reactive({
    req(input$csv)
    utils::read.csv(input$csv$datapath, check.names = FALSE)
  })
  observeEvent(uploaded(), {
    num <- names(uploaded())[vapply(uploaded(), is.numeric, logical(1))]
    updateSelectInput(session, "columns", choices = num, selected = num)
  })

  # the data: list(X, y), y NULL when there is no truth
  data <- reactive({
    req(input$dataset)
    if (input$dataset == "upload a CSV") {
      req(input$columns)
      X <- as.matrix(uploaded()[, input$columns, drop = FALSE])
      X <- X[stats::complete.cases(X), , drop = FALSE]
      if (isTRUE(input$scale)) X <- scale(X)
      list(X = X, y = NULL)
    } else if (input$dataset == "your data") {
      X <- as.matrix(user_data)
      if (isTRUE(input$scale)) X <- scale(X)
      list(X = X, y = NULL)
    } else {
      req(input$n >= 20)
      set.seed(input$seed)
      generators[[input$dataset]](input$n)
    }
  })

  # the states of one fit: ckm_converge() from the seed's start. Generated
  # data are drawn again here after set.seed(seed), so the start always
  # comes right after them in the random stream, whatever input changed.
  run <- reactive({
    req(input$dataset, input$k, input$init, input$algorithm, input$max_iter)
    req(!is.na(input$seed))
    if (input$dataset %in% names(generators)) {
      req(input$n >= 20)
      set.seed(input$seed)
      d <- generators[[input$dataset]](input$n)
    } else {
      d <- data()
      set.seed(input$seed)
    }
    req(input$k >= 1, input$k <= nrow(d$X), input$max_iter >= 1)
    cv <- tryCatch(
      ckm_converge(d$X, input$k, init = input$init, iterations = input$max_iter,
                   algorithm = input$algorithm),
      error = function(e) e)
    validate(need(!inherits(cv, "error"), if (inherits(cv, "error")) conditionMessage(cv)))
    list(d = d, cv = cv)
  })
  observeEvent(input$failure, {
    updateSelectInput(session, "dataset", selected = "blobs")
    updateNumericInput(session, "n", value = 400)
    updateNumericInput(session, "k", value = 3)
    updateRadioButtons(session, "init", selected = "random")
    updateNumericInput(session, "seed", value = 6)
  })
  step <- reactiveVal(0L)
  playing <- reactiveVal(FALSE)
  observeEvent(run(), { step(0L); playing(FALSE) })
  last <- reactive(length(run()$cv$fits))
  observeEvent(input$reset, step(0L))
  observeEvent(input$back, step(max(0L, step() - 1L)))
  observeEvent(input$step, step(min(last(), step() + 1L)))
  observeEvent(input$end, step(last()))
  observeEvent(input$play, {
    if (!playing() && step() >= last()) step(0L)
    playing(!playing())
  })
  observe({
    req(playing())
    invalidateLater(input$speed)
    isolate({
      if (step() >= last()) playing(FALSE) else step(step() + 1L)
    })
  })
  observe(updateActionButton(session, "play", label = if (playing()) "Pause" else "Animate"))

  output$status <- renderUI({
    r <- run(); t <- step(); cv <- r$cv
    fit <- if (t > 0) cv$fits[[t]] else NULL
    inertia <- if (t > 0) cv$trace[t] else NA_real_
    converged <- t > 0 && t == last() && isTRUE(fit$converged)
    tags$div(id = "status-line",
      `data-step` = t, `data-iterations` = last(),
      `data-inertia` = if (t > 0) exact(inertia) else "",
      `data-converged` = tolower(converged),
      tags$strong(if (t == 0) "The start" else sprintf("Iteration %d of %d", t, last())),
      if (t > 0) sprintf(" \u00b7 inertia %s", format(inertia, big.mark = ",", digits = 8)),
      if (converged) " \u00b7 converged",
      if (!is.null(r$d$y) && t > 0) sprintf(" \u00b7 ARI against the truth %.3f", ckm_ari(fit$cluster, r$d$y)),
      note(r, t))
  })
  # what the end of this run shows, where the truth is known
  note <- function(r, t) {
    if (is.null(r$d$y) || t == 0 || t < last()) return(NULL)
    ari <- ckm_ari(r$cv$fits[[t]]$cluster, r$d$y)
    k_true <- length(unique(r$d$y))
    msg <- if (input$dataset %in% c("moons", "rings")) {
      "k-means splits these shapes with straight lines whatever the start: it looks for round clusters."
    } else if (nrow(r$cv$start) == k_true && ari < 0.9) {
      paste("A local minimum: two centres started in one cluster and Lloyd's moves cannot",
            "take one of them to the cluster left without a centre. k-means++ seeding,",
            "another seed or several starts (ckm_fit(n_init = )) avoid it.")
    } else if (nrow(r$cv$start) == k_true) {
      "Each centre found its own cluster."
    }
    if (is.null(msg)) NULL else tags$p(id = "status-note", style = "margin-top: 0.5em;", msg)
  }

  coords <- reactive({
    X <- run()$d$X
    if (ncol(X) <= 2) X else stats::prcomp(X)$x[, 1:2]
  })
  project <- function(C) {
    X <- run()$d$X
    if (ncol(X) <= 2) return(C)
    p <- stats::prcomp(X)
    scale(C, center = p$center, scale = if (isFALSE(p$scale)) FALSE else p$scale) %*% p$rotation[, 1:2]
  }

  output$clusters <- renderPlot({
    r <- run(); t <- step(); cv <- r$cv; XY <- coords(); k <- nrow(cv$start)
    cols <- palette_k(k)
    lab <- if (t > 0) cv$fits[[t]]$cluster else rep(NA_integer_, nrow(XY))
    plot(XY, col = if (t > 0) cols[lab] else "grey60", pch = 19, cex = 0.6, asp = 1,
         xlab = colnames(XY)[1] %||% "x1", ylab = colnames(XY)[2] %||% "x2",
         main = if (t == 0) "Starting centres" else sprintf("After iteration %d", t))
    now <- project(if (t > 0) cv$fits[[t]]$centers else cv$start)
    if (t > 0) {
      before <- project(if (t > 1) cv$fits[[t - 1]]$centers else cv$start)
      moved <- sqrt(rowSums((now - before)^2)) > 1e-6 * max(1, diff(range(XY)))
      if (any(moved)) {
        graphics::arrows(before[moved, 1], before[moved, 2], now[moved, 1], now[moved, 2],
                         length = 0.08, lwd = 1.5)
      }
    }
    points(now, pch = 4, cex = 2.2, lwd = 3)
  })

  output$trace <- renderPlot({
    cv <- run()$cv; t <- step()
    tr <- cv$trace
    plot(seq_along(tr), tr, type = "n", xlab = "iteration", ylab = "inertia",
         main = "Inertia per iteration", log = if (all(tr > 0)) "y" else "")
    lines(seq_along(tr), tr, col = "grey80", lwd = 2)
    if (t > 0) lines(seq_len(t), tr[seq_len(t)], type = "b", pch = 19, lwd = 2)
  })

  output$sizes <- renderTable({
    t <- step(); req(t > 0)
    fit <- run()$cv$fits[[t]]
    data.frame(cluster = seq_along(fit$size), size = fit$size, withinss = fit$withinss)
  }, digits = 4)

  output$labels <- downloadHandler(
    filename = function() sprintf("ckm-labels-%s-k%d.csv", gsub("[^a-z]+", "-", input$dataset), input$k),
    content = function(file) {
      r <- run(); t <- max(step(), 1L)
      out <- data.frame(r$d$X, cluster = r$cv$fits[[t]]$cluster)
      if (!is.null(r$d$y)) out$truth <- r$d$y
      utils::write.csv(out, file, row.names = FALSE)
    })

  elbow <- eventReactive(input$run_elbow, ignoreNULL = FALSE, {
    X <- data()$X
    ks <- seq(input$k_range[1], min(input$k_range[2], nrow(X)))
    validate(need(length(ks) >= 3, "Choose at least three values of k."))
    set.seed(input$seed) # reproducible: the same seed gives the same curve
    ckm_elbow(X, k = ks, n_init = input$elbow_starts)
  })
  output$elbow_status <- renderUI({
    el <- elbow()
    tags$p(id = "elbow-line", `data-k-knee` = attr(el, "k_knee"),
           `data-k-silhouette` = attr(el, "k_silhouette"),
           sprintf("Suggested k: %s by the knee of the inertia curve, %s by the largest mean silhouette.",
                   attr(el, "k_knee"), attr(el, "k_silhouette")))
  })
  output$elbow_plot <- renderPlot(plot(elbow()))
  output$elbow_table <- renderTable(as.data.frame(unclass(elbow())[names(elbow())]), digits = 4)

  # the results shown: the last of a stored file chosen, a CSV uploaded and
  # a run here
  bench_source <- reactiveVal("file")
  observeEvent(input$bench_file, bench_source("file"))
  observeEvent(input$bench_csv, bench_source("upload"))
  observeEvent(input$run_bench, bench_source("run"))
  bench_data <- reactive({
    switch(bench_source(),
      upload = utils::read.csv(input$bench_csv$datapath),
      run = bench_run(),
      { req(input$bench_file); utils::read.csv(file.path(bench_dir, input$bench_file)) })
  })
  bench_run <- eventReactive(input$run_bench, {
    n <- input$bn; d <- input$bd; k <- input$bk
    validate(need(k < n, "k must be smaller than n."))
    set.seed(if (is.null(input$seed) || is.na(input$seed)) 1 else input$seed)
    b <- ckm_blobs(n, centers = k, sd = 2, d = d)
    C0 <- b$X[sample.int(n, k), , drop = FALSE]
    methods <- list(
      "ckm auto" = function() ckm_fit(b$X, init = C0, tol = 0)$cluster,
      "ckm lloyd" = function() ckm_fit(b$X, init = C0, tol = 0, algorithm = "lloyd")$cluster,
      "stats Lloyd" = function() suppressWarnings(kmeans(b$X, C0, iter.max = 300, algorithm = "Lloyd"))$cluster,
      "stats Hartigan-Wong" = function() suppressWarnings(kmeans(b$X, C0, iter.max = 300))$cluster)
    do.call(rbind, lapply(names(methods), function(m) {
      runs <- replicate(3, {
        invisible(gc()); g0 <- gc(reset = TRUE)
        t0 <- proc.time(); cl <- methods[[m]](); t1 <- proc.time() - t0
        c(t1[["elapsed"]], t1[["user.self"]] + t1[["sys.self"]], sum(gc()[, 6]) - sum(g0[, 2]),
          ckm_ari(cl, b$y))
      })
      data.frame(n = n, d = d, k = k, method = m, median_s = median(runs[1, ]),
                 cpu_s = median(runs[2, ]), peak_mb = max(runs[3, ]), ARI = runs[4, 1])
    }))
  })
  output$bench_status <- renderUI({
    b <- bench_data()
    from <- switch(bench_source(), upload = "the uploaded CSV", run = "the run here",
                   sprintf("%s (stored with the package)", input$bench_file))
    tags$p(id = "bench-line", `data-rows` = nrow(b),
           sprintf("%s: %d rows, %d methods%s.", from, nrow(b), length(unique(b$method)),
                   if ("cpu" %in% names(b)) paste0(", measured on ", b$cpu[1]) else ""))
  })
  bench_bars <- function(col, ylab, log = FALSE) {
    b <- bench_data()
    if (!col %in% names(b) || !"method" %in% names(b)) {
      plot.new(); title(main = ylab); text(0.5, 0.5, sprintf("no column \"%s\" in these results", col))
      return(invisible())
    }
    problem <- if (all(c("n", "d", "k") %in% names(b))) {
      factor(problem_label(b$n, b$d, b$k), levels = unique(problem_label(b$n, b$d, b$k)[order(b$n, b$d, b$k)]))
    } else {
      factor(rep("", nrow(b)))
    }
    mat <- tapply(b[[col]], list(b$method, problem), function(v) v[1])
    cols <- palette_methods(nrow(mat))
    op <- par(mar = c(5.5, 4.5, 3, 12), xpd = NA); on.exit(par(op))
    at <- graphics::barplot(mat, beside = TRUE, col = cols, main = ylab, names.arg = rep("", ncol(mat)),
                            log = if (log && all(mat > 0, na.rm = TRUE)) "y" else "")
    # every problem's label under its group (barplot drops labels that overlap)
    graphics::mtext(colnames(mat), side = 1, at = colMeans(matrix(at, nrow = nrow(mat))),
                    line = 1.6, cex = 0.7)
    graphics::mtext("problem: n rows, d dimensions, k clusters", side = 1, line = 4, cex = 0.8)
    usr <- par("usr")
    graphics::legend(usr[2] + 0.02 * diff(usr[1:2]), if (par("ylog")) 10^usr[4] else usr[4],
                     rownames(mat), fill = cols, cex = 0.75, bty = "n")
  }
  output$bench_time <- renderPlot(bench_bars("median_s", "Runtime (median s)", log = TRUE))
  output$bench_memory <- renderPlot(bench_bars("peak_mb", "Peak memory (MB)"))
  output$bench_cpu <- renderPlot(bench_bars("cpu_s", "CPU time (s)", log = TRUE))
  output$bench_quality <- renderPlot({
    b <- bench_data()
    ari <- intersect(c("ARI", "ari"), names(b))
    bench_bars(if (length(ari)) ari[1] else "rel_inertia",
               if (length(ari)) "ARI against the truth" else "Inertia relative to the best")
  })
  output$bench_table <- renderTable(tidy_table(bench_data()), align = "l")
}

shinyApp(ui, server)
