from lxml import etree

from odoo import models, tools

# context key: inline templates rendered under it are compiled once per source
COMPILE_INLINE_ONCE = "credit_compile_inline_once"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _generate_code_uncached(self, template):
        """Odoo compiles an inline template (a mail template's body) again
        for each record it renders, which is most of the time a batch of
        reminders takes.  Under ``COMPILE_INLINE_ONCE`` in the context, the
        code compiled from one source is kept with the compiled views, under
        the same context keys, and serves every record of every batch."""
        if self.env.context.get(COMPILE_INLINE_ONCE) and isinstance(template, etree._Element):
            return self._generate_inline_code_cached(etree.tostring(template), template)
        return super()._generate_code_uncached(template)

    @tools.conditional(
        "xml" not in tools.config["dev_mode"],
        tools.ormcache(
            "source",
            "tuple(self.env.context.get(k) or False for k in self._get_template_cache_keys())",
            "bool(self.env.context.get('preserve_comments'))",
            cache="templates",
        ),
    )
    def _generate_inline_code_cached(self, source, template):
        """The code compiled from ``template``, whose serialisation is
        ``source`` (the cache key)."""
        return super()._generate_code_uncached(template)
