package local.harness.configindex;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;

import apicurio.common.app.components.config.index.DynamicPropertiesInfoRecorder;
import io.apicurio.common.apps.config.Dynamic;
import io.apicurio.common.apps.config.DynamicConfigPropertyDef;
import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import io.quarkus.arc.deployment.BeanDiscoveryFinishedBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.processor.InjectionPointInfo;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;

/**
 * Build step that collects every injected field annotated with both {@code @ConfigProperty} and
 * {@code @Dynamic} (declared as {@code Supplier<T>}) and exposes the list as a
 * {@link DynamicConfigPropertyList} bean, which the registry's dynamic-config code injects.
 */
class ConfigIndexProcessor {

    private static final DotName CONFIG_PROPERTY = DotName.createSimple(ConfigProperty.class.getName());
    private static final DotName DYNAMIC = DotName.createSimple(Dynamic.class.getName());

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void dynamicPropertyList(DynamicPropertiesInfoRecorder recorder, BeanDiscoveryFinishedBuildItem beans,
            BuildProducer<SyntheticBeanBuildItem> synthetic) throws ClassNotFoundException {
        List<DynamicConfigPropertyDef> defs = new ArrayList<>();
        for (InjectionPointInfo ip : beans.getInjectionPoints()) {
            AnnotationInstance cp = ip.getRequiredQualifier(CONFIG_PROPERTY);
            if (cp == null || !ip.isField()) {
                continue;
            }
            FieldInfo field = ip.getTarget().asField();
            AnnotationInstance dyn = field.annotation(DYNAMIC);
            if (dyn == null) {
                continue;
            }
            String name = cp.value("name").asString();
            AnnotationValue dflt = cp.value("defaultValue");
            if (dflt == null) {
                throw new IllegalStateException("@Dynamic config property " + name + " needs a defaultValue");
            }
            // field type is Supplier<T>: T is the property type
            String typeName = ip.getRequiredType().asParameterizedType().arguments().get(0).name().toString();
            Class<?> type = Class.forName(typeName, false, Thread.currentThread().getContextClassLoader());
            DynamicConfigPropertyDef def = new DynamicConfigPropertyDef(name, type, dflt.asString());
            AnnotationValue v = dyn.value("label");
            if (v != null) {
                def.setLabel(v.asString());
            }
            v = dyn.value("description");
            if (v != null) {
                def.setDescription(v.asString());
            }
            v = dyn.value("requires");
            if (v != null) {
                def.setRequires(v.asStringArray());
            }
            defs.add(def);
        }
        synthetic.produce(SyntheticBeanBuildItem.configure(DynamicConfigPropertyList.class)
                .runtimeValue(recorder.initializePropertiesInfo(defs))
                .unremovable()
                .setRuntimeInit()
                .done());
    }
}
