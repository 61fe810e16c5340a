"""The web newsroom's presentation: front-end assets from npm, interface languages,
templates and the stylesheet. The routes live in `ortaq.api.web` and `ortaq.api.newsroom`."""
